"""Demo data: the catalogue of a manufacturing county's labs and one user per role.
The data lives in JSON files under data/; loader.py reads them and loads them into the
database (`flask demo load`, `flask setup --demo`)."""
