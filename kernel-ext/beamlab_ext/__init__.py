"""beamlab's JupyterLab extension, packaged as a prebuilt (federated) labextension."""

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    import warnings

    warnings.warn("Importing 'beamlab_ext' outside a proper installation.")
    __version__ = "dev"


def _jupyter_labextension_paths():
    """Where JupyterLab finds the built extension (also copied to share/ by the wheel)."""
    return [{"src": "labextension", "dest": "beamlab-jupyterlab"}]
