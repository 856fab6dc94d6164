"""Static files (the docs' and the admin's assets) served by the project itself."""

from pathlib import Path

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, without its warning about a STATIC_ROOT that `collectstatic` never filled.

    With WHITENOISE_USE_FINDERS (the default here) the files come straight from the apps'
    static folders, so an empty or missing STATIC_ROOT is the normal case, not a mistake.
    """

    def add_files(self, root, prefix=None) -> None:
        if self.use_finders and root == self.static_root and not Path(root).is_dir():
            return
        super().add_files(root, prefix)
