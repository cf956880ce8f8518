"""Services: permission check → schema load → domain work → unit of work."""
