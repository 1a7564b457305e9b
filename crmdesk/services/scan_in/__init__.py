"""Reading filled survey forms back from scans: the pages of image and PDF files
(pages), the form's code from its QR code (codes), the page registered on its corner marks
(registration), each box's fill measured against the paper around it (marks), one page
read into an answer or a reason to ask (reading), and a batch recorded as one undoable
step like typed answers (recording)."""
