"""The page where an invited person chooses their own password."""
