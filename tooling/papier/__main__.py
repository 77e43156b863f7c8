from papier.cli import main

raise SystemExit(main())
