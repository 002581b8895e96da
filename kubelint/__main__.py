from kubelint.cli import main

raise SystemExit(main())
