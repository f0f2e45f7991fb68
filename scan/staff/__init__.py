"""The staff workspace: accounts, the lead inbox, reporting and administration."""
