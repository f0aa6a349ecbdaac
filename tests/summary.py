"""Sum up meson's test logs of the given build directories into one closing
line, "check: N passed, N failed" (a test program counts once)."""
import json
import sys

passed = failed = skipped = 0
for build in sys.argv[1:]:
    try:
        with open(f"{build}/meson-logs/testlog.json") as f:
            for line in f:
                r = json.loads(line)
                res = r.get("result")
                if res in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif res == "SKIP":
                    skipped += 1
                else:
                    failed += 1
                    print(f"failed: {build}: {r.get('name')} ({res})")
    except FileNotFoundError:
        print(f"{build}: no test log")
        failed += 1
tail = f", {skipped} skipped" if skipped else ""
print(f"check: {passed} passed, {failed} failed{tail}")
sys.exit(1 if failed else 0)
