"""The API for referring organisations (/api/v1/): an edge beside the admin and the views."""
