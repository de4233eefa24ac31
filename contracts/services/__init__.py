"""Writes of the contracts app: insurers' contracts, the daily scan, cases and notices."""
