"""Reads of the courses app, one module per concept, the same names as `services/`:
`catalogue` (visibility, course tutors, catalogue querysets, categories, tutor
directory), `enrollment`, `comments`, `video`. Import from the concept module; this
package re-exports nothing."""
