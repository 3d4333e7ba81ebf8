package hook

import (
	"context"
	"fmt"
	"strings"
)

// PreCommitUpdates builds the ref update of a push from the variables the
// pre-commit framework sets for its pre-push stage (it reads git's standard
// input itself and does not pass it on): PRE_COMMIT_TO_REF is the commit
// pushed, PRE_COMMIT_FROM_REF the remote's commit (unset for a push whose
// whole history is new), PRE_COMMIT_REMOTE_BRANCH the remote ref. It
// returns nil when PRE_COMMIT_TO_REF is unset.
func PreCommitUpdates(ctx context.Context, dir string, getenv func(string) string) ([]RefUpdate, error) {
	to := strings.TrimSpace(getenv("PRE_COMMIT_TO_REF"))
	if to == "" {
		return nil, nil
	}
	from := strings.TrimSpace(getenv("PRE_COMMIT_FROM_REF"))
	query := []string{to + "^{commit}"}
	if from != "" {
		query = append(query, from+"^{commit}")
	}
	ids, err := peel(ctx, dir, query)
	if err != nil {
		return nil, err
	}
	u := RefUpdate{
		LocalRef:  orDefault(getenv("PRE_COMMIT_LOCAL_BRANCH"), "HEAD"),
		LocalSHA:  ids[query[0]],
		RemoteRef: orDefault(getenv("PRE_COMMIT_REMOTE_BRANCH"), "HEAD"),
		RemoteSHA: strings.Repeat("0", len(ids[query[0]])),
	}
	if u.LocalSHA == "" {
		return nil, fmt.Errorf("PRE_COMMIT_TO_REF=%s is not a commit here", to)
	}
	if from != "" {
		if u.RemoteSHA = ids[query[1]]; u.RemoteSHA == "" {
			return nil, fmt.Errorf("PRE_COMMIT_FROM_REF=%s is not a commit here", from)
		}
	}
	return []RefUpdate{u}, nil
}
