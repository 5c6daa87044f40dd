"""Static files storage for production (DEBUG off): hashed, compressed names, ES module imports included."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed static files, with the relative imports between this site's ES modules
    (static/js: ``import … from "./scroll.js";``) rewritten to the hashed names as well. Without that,
    site.js's hashed copy would import the unhashed files, which browsers may keep from an earlier deploy.
    ``collectstatic`` fails if one of those modules imports a file that does not exist."""

    support_js_module_import_aggregation = True
    own_modules = "js/"

    def url_converter(self, name, hashed_files, template=None):
        """Leave other apps' JavaScript as it is: their comments hold ``import("../htmx")`` type
        annotations (django_htmx), which Django's import patterns would take for files to hash."""
        if template and template.startswith(("import", "export")) and not name.startswith(self.own_modules):
            return lambda matchobj: matchobj["matched"]
        return super().url_converter(name, hashed_files, template)
