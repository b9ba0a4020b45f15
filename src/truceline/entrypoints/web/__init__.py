"""The web UI: server-rendered Jinja2 pages, htmx, and Leaflet maps from local files."""
