"""Parts of the one translation table, by topic; merged into geo.i18n.TEXT."""
