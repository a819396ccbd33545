"""Disclosure control: what each statistic may publish without giving a person away."""
