"""Accounts: facilities and units, learners and staff, their PINs and passwords, who may do
what, and learners imported from CSV."""
