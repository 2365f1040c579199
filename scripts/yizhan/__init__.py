"""yizhan: publishing and collecting for grassroots livelihood service stations."""

__version__ = "0.1.0"
