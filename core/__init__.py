"""Pieces every area shares: time, pagination, permissions, i18n helpers."""
