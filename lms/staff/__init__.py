"""What the staff areas share: finding a learner in an officer's scope, shared forms, the
learner's record, report filters and figures, and who teaches which course."""
