"""The Qt front end. Reaches data only through crmdesk.services."""
