"""Writes for payments, one module per concept:

- `checkout`: starting to buy a course (an order and its Stripe Checkout Session).
- `webhooks`: applying Stripe's events (fulfil, fail, refund events), once each.
- `refunds`: giving money back through Stripe (staff's action, a duplicate payment).
- `orders`: rules about a buyer's or a course's orders shared by the flows above, and
  the course-deletion hook payments registers with courses.

Rules that hold everywhere here:
- Stripe is never called inside a transaction that holds row locks: the order is saved
  first, Stripe is called, then the session id is saved; calls that follow an event
  (a duplicate payment's refund, expiring the buyer's other sessions) run on commit.
- An order, once created, is never deleted here (only with its course, when it can no
  longer be paid): when Stripe fails it stays pending without a session and its next
  checkout uses a new attempt (a new idempotency key).
- Every request under one idempotency key sends identical parameters: the session's
  `expires_at` is chosen when the attempt starts and stored on the order.
- A webhook event is stored once (unique `stripe_id`); its work runs in the same
  transaction with the order row locked, and every transition checks the current state,
  so a repeated or concurrent delivery changes nothing, and events of one order reach
  the same end state in any order (a refund that comes first is recorded on the order,
  and the completion that follows finds it refunded).
- Locks are taken order → payment → buyer (user row) → enrollment → course, so two
  orders of one buyer for one course are decided one after the other.
- Errors are `payments.exceptions` (core `ServiceError`s): the one handler renders them.

Import the concept module you need (`from payments.services.checkout import
checkout_start`); this package re-exports nothing.
"""
