"""The web app's static files (HTML, CSS, ES modules), shipped as package data and served by ``api.web``."""
