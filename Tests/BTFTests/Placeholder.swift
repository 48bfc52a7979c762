// Tests of the BTF reader live in this target.
