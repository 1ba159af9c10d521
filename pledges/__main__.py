from pledges.cli import main

main()
