// Package kmeans clusters points with k-means (Lloyd's iterations) seeded
// by k-means++ (Arthur and Vassilvitskii 2007), keeps the best of several
// seeded restarts, and can choose k by the mean silhouette (Rousseeuw 1987).
//
// Points may be standardised first (z-scores with the population standard
// deviation; a constant feature gets deviation 1). Inertia and silhouette are
// measured in the space the model was fitted in; centroids are reported in
// the original units. A fit is deterministic for a seed: restarts draw from
// their own seeded streams and run in parallel, and clusters are numbered by
// size descending, then by centroid, so the numbering does not depend on the
// seeding order.
//
// The algorithms are written here in plain Go: gonum, the numerical library
// this module uses, has no clustering, and k-means with k-means++ is short.
package kmeans
