// The BTF frontend lives in this module.
