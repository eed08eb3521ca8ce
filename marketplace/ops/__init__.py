"""Operations: backup and restore, and recovery of background work after a failure (docs/OPERATIONS.md)."""
