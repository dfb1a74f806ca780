"""xxgk (信息公开): government information-disclosure work and its statutory annual report."""

__version__ = "0.1.0"
