"""Who may read and write what 查阅权限 (regulation rule 5), and confidential values 保密字段. Read
rights are decided from the archive's files alone (people.yaml, access.yaml, the customer cards and,
for a purged item, its last version in git); values are encrypted at rest with age (crypto), rekeyed
to exactly their readers (rekey), and shown or withheld in the modification record and reviews
(sealed). It imports git/ and archive/ only: the search index may speed up a listing, never decide.
"""
