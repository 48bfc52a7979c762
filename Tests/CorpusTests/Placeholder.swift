// The header-set corpus test lives in this target.
