"""Backup and restore of a whole desk: `flask backup` writes the database and the stored
files into one archive with a manifest of their hashes, `flask restore` checks it and
puts them back (commands.py). Not a blueprint: no area imports it."""
