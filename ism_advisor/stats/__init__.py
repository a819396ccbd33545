"""The statistics: group comparison, the tests, waves and the driver analysis."""
