"""HTTP for the courses app: views per concept, `serializers/` and `urls.py`."""
