// Package affinity mines association rules from market baskets with the
// semantics of R's arules package (apriori and FP-growth find the same
// rules), and recommends items from them.
//
// A rule X => y has one item y on the right-hand side and a possibly empty
// set X on the left. With n transactions and count(S) the number of
// transactions that hold every item of S:
//
//	support    = count(X ∪ {y}) / n
//	confidence = count(X ∪ {y}) / count(X)      (count(∅) = n)
//	lift       = confidence / (count({y}) / n)
//
// As in arules (Borgelt's apriori it wraps): a rule is kept when
// count(X ∪ {y}) >= ceil(n·MinSupport) and confidence >= MinConfidence
// (up to 1e-12); its length |X|+1 lies in [MinLen, MaxLen]; with MinLen 1
// the empty-antecedent rules {} => y are listed. A transaction lists each
// item once however often it holds it.
//
// Mine finds the frequent itemsets with FP-growth (Han, Pei and Yin 2000,
// "Mining Frequent Patterns without Candidate Generation") in plain Go: no
// maintained Go module implements it, and the algorithm is short.
package affinity
