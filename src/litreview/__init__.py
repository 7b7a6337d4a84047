"""litreview: check health claims against the biomedical literature."""

from .errors import ConfigError, CorpusError, EutilsError, LitreviewError, ParseError, RateLimitError
from .settings import Settings
