"""crmdesk: an offline desktop client-relationship manager for small shops."""

__version__ = "0.1.0"
