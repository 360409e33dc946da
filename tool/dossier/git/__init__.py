"""Git, the archive's store 版本库: the one layer that runs git (gitrepo), the long walks of the
modification record started early (gitwalk), and whole operations 整体操作 under the clone's lock
that change all their files or none (transaction). It knows nothing of the regulation or of read
rights: it imports archive/ only.
"""
