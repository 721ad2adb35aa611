from rnn_tf1.cli import main

raise SystemExit(main())
