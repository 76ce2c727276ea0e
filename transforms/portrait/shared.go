package portrait

import "sync"

// Side inputs built into Go values once per worker process: every DoFn instance of one pipeline
// (one per kind of fact and per concurrent bundle) names the same key and shares one read-only
// value, rather than each building its own copy of the identity map. Keys carry a token made when
// the pipeline is built, so two pipelines in one process never share.

type sharedEntry struct {
	once  sync.Once
	value any
	err   error
	refs  int
}

var sharedValues = struct {
	sync.Mutex
	m map[string]*sharedEntry
}{m: map[string]*sharedEntry{}}

// acquireShared registers one more user of the value under key (in a DoFn's Setup).
func acquireShared(key string) *sharedEntry {
	sharedValues.Lock()
	defer sharedValues.Unlock()
	e := sharedValues.m[key]
	if e == nil {
		e = &sharedEntry{}
		sharedValues.m[key] = e
	}
	e.refs++
	return e
}

// releaseShared drops one user (in Teardown); the last one frees the value.
func releaseShared(key string) {
	sharedValues.Lock()
	defer sharedValues.Unlock()
	if e := sharedValues.m[key]; e != nil {
		if e.refs--; e.refs <= 0 {
			delete(sharedValues.m, key)
		}
	}
}

// get builds the value on first use; every later call, from any goroutine, gets the same result.
func (e *sharedEntry) get(build func() (any, error)) (any, error) {
	e.once.Do(func() { e.value, e.err = build() })
	return e.value, e.err
}

// acquireAll acquires the entries of several keys, in order.
func acquireAll(keys []string) []*sharedEntry {
	out := make([]*sharedEntry, len(keys))
	for i, k := range keys {
		out[i] = acquireShared(k)
	}
	return out
}

// releaseAll releases the entries of several keys.
func releaseAll(keys []string) {
	for _, k := range keys {
		releaseShared(k)
	}
}
