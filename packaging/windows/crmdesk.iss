; Inno Setup script: crmdesk's installer for Windows, from the one-folder bundle that
; packaging/crmdesk.spec builds there (see packaging/README.md for the commands).
; A Start-menu entry, .crmdesk files (databases and copies) open in crmdesk, and an
; uninstaller that removes the program but leaves the shop's data (%LOCALAPPDATA%\crmdesk).

#define AppVersion "0.1.0"

[Setup]
AppId={{6B3E2C1A-4F0D-4C7B-9E51-0A4C8D7E2F13}
AppName=crmdesk
AppVersion={#AppVersion}
AppPublisher=The crmdesk developers
DefaultDirName={autopf}\crmdesk
DefaultGroupName=crmdesk
UninstallDisplayIcon={app}\crmdesk.exe
OutputBaseFilename=crmdesk-{#AppVersion}-windows-x86_64-setup
OutputDir=..\..\dist
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
PrivilegesRequiredOverridesAllowed=dialog
SetupIconFile=crmdesk.ico

[Files]
Source: "..\..\build\bundle\crmdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\crmdesk"; Filename: "{app}\crmdesk.exe"
Name: "{group}\Uninstall crmdesk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\crmdesk"; Filename: "{app}\crmdesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Registry]
; .crmdesk (a database) and .crmdesk-encrypted (a copy from another machine) open in crmdesk,
; which offers to merge a copy or open it
Root: HKA; Subkey: "Software\Classes\.crmdesk"; ValueType: string; ValueName: ""; ValueData: "crmdesk.database"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.crmdesk-encrypted"; ValueType: string; ValueName: ""; ValueData: "crmdesk.copy"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\crmdesk.database"; ValueType: string; ValueName: ""; ValueData: "crmdesk client database"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\crmdesk.database\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\crmdesk.exe,0"
Root: HKA; Subkey: "Software\Classes\crmdesk.database\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\crmdesk.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\crmdesk.copy"; ValueType: string; ValueName: ""; ValueData: "crmdesk copy for another machine"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\crmdesk.copy\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\crmdesk.exe,0"
Root: HKA; Subkey: "Software\Classes\crmdesk.copy\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\crmdesk.exe"" ""%1"""

[Run]
Filename: "{app}\crmdesk.exe"; Description: "{cm:LaunchProgram,crmdesk}"; Flags: nowait postinstall skipifsilent

; [UninstallDelete] deliberately absent: the shop's databases, backups and settings live in
; the user's data folder, not under {app}, and stay when crmdesk is uninstalled.
