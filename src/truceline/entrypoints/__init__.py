"""Entry points: the CLI, the REST API and the web UI. They translate, they don't decide."""
