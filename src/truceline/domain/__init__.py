"""The pure core of Truceline: agreements, zones, routes and places.

Nothing here imports outside the standard library, except shapely for
geometry values. A test enforces this.
"""
