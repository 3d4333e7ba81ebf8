package git

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// The changed lines of a -U0 patch: hunks that only remove lines, deleted
// files and quoted names.
func TestChangesOf(t *testing.T) {
	diff := `diff --git a/app/config.py b/app/config.py
index 1..2 100644
--- a/app/config.py
+++ b/app/config.py
@@ -3 +3,2 @@ DEBUG = False
-REGION = 'eu'
+AWS_KEY = 'x'
+REGION = 'us'
@@ -10,2 +10,0 @@ x
-a
-b
@@ -20,0 +19 @@ y
+c
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git "a/sp ace\303\251.py" "b/sp ace\303\251.py"
--- "a/sp ace\303\251.py"
+++ "b/sp ace\303\251.py"
@@ -0,0 +1,3 @@
+1
+2
+3
diff --git a/only-deleted.py b/only-deleted.py
--- a/only-deleted.py
+++ b/only-deleted.py
@@ -4 +3,0 @@
-x
`
	got, err := ChangesOf(strings.NewReader(diff))
	if err != nil {
		t.Fatal(err)
	}
	want := scan.Changes{
		"app/config.py": {{Start: 3, End: 4}, {Start: 19, End: 19}},
		"sp aceé.py":    {{Start: 1, End: 3}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}
