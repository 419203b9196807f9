"""Demo data: the catalogue of a manufacturing county's labs and one user per role."""
