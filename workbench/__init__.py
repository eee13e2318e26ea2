"""Open investigation workbench for coordinated inauthentic ("water army") campaigns."""
from workbench import config as _config  # noqa: F401  (sets cache locations before heavy imports)

__version__ = "0.1.0"
