"""The typed objects passed between stages."""
