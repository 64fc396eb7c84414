"""Endorsements of a publication: the public form, the e-mailed links, the lists and the secretariat's queue."""
