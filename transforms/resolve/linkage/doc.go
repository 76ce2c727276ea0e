// Package linkage is a Fellegi-Sunter record linkage model in plain Go: comparators that map a
// pair of field values to discrete agreement levels, blocking rules that choose the candidate
// pairs, EM estimation of the m and u probabilities without labels, match weights with a
// threshold, and union-find clustering of the pairs kept. The resolve stage's Beam transforms and
// the standalone linkage tool (pipelines/linkage) share it.
//
// A model is described by a YAML Config (see Parse). The usual flow is
//
//	cfg, _ := linkage.Load("linkage.yaml")
//	l, _ := linkage.New(cfg, header)
//	res, _ := l.Link(rows) // res.ClusterIDs[i] is the cluster of rows[i]
//
// and each step (Normalize, Block, Compare, InitialParams, EM, Score, Cluster) is exported so
// the steps can be distributed.
//
// Term-frequency adjustment of the match weights is not implemented.
package linkage
