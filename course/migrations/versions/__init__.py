"""One file per store revision, oldest first."""
