"""Auditing a system card (DESIGN.md section 13): the claims format, its loader, and the
findings ``rspcheck audit`` draws from claims alone, with a policy, and with evidence."""
