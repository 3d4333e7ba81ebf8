// Command creddata scores pipeguard's secrets scanner on CredData
// (Samsung/CredData), a public set of manually labelled credential lines in
// open-source code: precision and recall by category, for the gitleaks rules
// alone and for the gitleaks rules with pipeguard's structure-aware detector,
// measured in the same run.
//
// CredData's data and the code it labels stay out of this repository. The
// labels come from a checkout of CredData; the labelled files from bare
// mirrors of the repositories CredData names (CredData's download_data.py
// fetches each at one commit; here every mirror is fetched with the search
// tool's fetch verb, to /work/.mirror/<owner>+<name>/repo). Six repositories
// are kept apart to check that the detector generalizes, and never used:
// requests-oauthlib, docker-py, paramiko, django-allauth, tornado, chalice.
//
//	git clone /work/.mirror/Samsung+CredData/repo /work/corpus/creddata
//	go run -tags gore2regex ./scan/secrets/creddata prepare \
//	    -creddata /work/corpus/creddata -mirrors /work/.mirror -out /work/corpus/creddata-src
//	go run -tags gore2regex ./scan/secrets/creddata score \
//	    -creddata /work/corpus/creddata -data /work/corpus/creddata-src
//
// prepare writes each labelled file at its original path under
// OUT/<repo id>/ (CredData's download script renames files to a hash of
// their path; the labels are mapped back through that hash), and the list
// of repositories and commits it used to OUT/repos.tsv (committed here as
// repos.tsv). score scans every prepared repository as a working tree and
// prints the tables (committed as RESULTS.md).
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "prepare":
		fs := flag.NewFlagSet("prepare", flag.ExitOnError)
		cd := fs.String("creddata", "/work/corpus/creddata", "checkout of Samsung/CredData")
		mirrors := fs.String("mirrors", "/work/.mirror", "folder of <owner>+<name>/repo git mirrors")
		out := fs.String("out", "/work/corpus/creddata-src", "where to write the labelled files")
		_ = fs.Parse(os.Args[2:])
		err = prepare(*cd, *mirrors, *out)
	case "score":
		fs := flag.NewFlagSet("score", flag.ExitOnError)
		cd := fs.String("creddata", "/work/corpus/creddata", "checkout of Samsung/CredData")
		data := fs.String("data", "/work/corpus/creddata-src", "folder prepare wrote")
		detail := fs.String("detail", "", "write every reported line and every missed true line to this file")
		only := fs.String("repos", "", "comma-separated repository names (owner/name) to score, default all prepared")
		_ = fs.Parse(os.Args[2:])
		err = score(*cd, *data, *detail, *only)
	case "findings":
		// findings DIR: what each configuration reports on a folder.
		fs := flag.NewFlagSet("findings", flag.ExitOnError)
		_ = fs.Parse(os.Args[2:])
		err = findings(fs.Arg(0))
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "creddata:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: creddata prepare|score [flags]")
	os.Exit(3)
}
