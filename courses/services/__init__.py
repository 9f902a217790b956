"""Writes of the courses app, one module per concept: `catalogue` (categories, courses,
parts, lessons, slugs, thumbnails, publishing, deletion), `enrollment` (enrolling, grant
and revoke, progress), `comments`, `video` (VdoCipher OTPs, uploads, durations).
Import from the concept module; this package re-exports nothing."""
