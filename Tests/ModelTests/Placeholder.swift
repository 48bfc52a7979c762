// Tests of the ABI model (snapshot validation, JSON reader) live in this target.
